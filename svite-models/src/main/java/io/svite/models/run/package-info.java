/**
 * Running the training methods: {@link io.svite.models.run.TrainingRun} executes a method's phases
 * with the shared loop, writes the run folder (recipe, metrics, model, the method's files, report),
 * checkpoints every phase and resumes exactly; {@link io.svite.models.run.TrainReport} and {@link
 * io.svite.models.run.SavedRun} are a run's report and what a run folder holds; {@link
 * io.svite.models.run.Comparison} trains several methods at one budget and tabulates them.
 */
package io.svite.models.run;
