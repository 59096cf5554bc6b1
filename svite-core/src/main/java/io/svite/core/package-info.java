/** Model-agnostic sparsity engine. */
package io.svite.core;
