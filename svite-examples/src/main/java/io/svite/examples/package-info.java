/** Examples and the command line. */
package io.svite.examples;
