/**
 * Run checkpoints on disk: folders that appear atomically and complete or not at all, files
 * recorded by size and SHA-256 and verified before anything is read, and named tensors in a
 * simple format; the engine's state and mask files. What a run's checkpoint holds and how it is
 * restored is {@code io.svite.core.resume}'s business; see {@code docs/reliability.md}.
 */
package io.svite.core.checkpoint;
