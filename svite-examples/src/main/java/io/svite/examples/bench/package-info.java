/** Benchmarks that measure savings side by side in one run and print them next to the cost model's. */
package io.svite.examples.bench;
