/** Pictures of what a trained model does, written as PNG files. */
package io.svite.examples.report;
