/** Benchmarks that measure savings side by side in one run and print them next to the MACs saving. */
package io.svite.examples.bench;
