/**
 * Run checkpoints on disk: folders that appear atomically and complete or not at all, files
 * recorded by size and SHA-256 and verified before anything is read, and named tensors in a
 * simple format. What goes into a checkpoint is the training loop's business
 * ({@code io.svite.models.run}); see {@code docs/reliability.md}.
 */
package io.svite.core.checkpoint;
