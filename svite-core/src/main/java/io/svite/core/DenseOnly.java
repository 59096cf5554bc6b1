package io.svite.core;

/**
 * Marks a DJL block whose parameters, and those of every block inside it, are never sparsity
 * targets.
 */
public interface DenseOnly {}
