/**
 * One small program per training method, each showing how a Java user runs the method with the
 * library: the recipe and the data, the method object and its plan, the run, the report
 * ({@code TrainSvite}, {@code TrainS2vite}, {@code TrainSvitePlus}, {@code TrainOmp}, {@code
 * TrainGmp}, {@code TrainTaylor}, {@code TrainSsp}, {@code TrainSmallDense}, {@code TrainVtp},
 * {@code TrainVitSlim}). The {@code svite} command line is in {@code io.svite.examples.cli}.
 */
package io.svite.examples;
