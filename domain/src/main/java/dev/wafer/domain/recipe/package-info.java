/**
 * The recipe of a training run: what a user asks for ({@link dev.wafer.domain.recipe.RunRequest}: a preset and the
 * settings that override it) becomes a {@link dev.wafer.domain.session.RunSpec} ({@link
 * dev.wafer.domain.recipe.RunRecipe}), with the learning-rate defaults ({@link
 * dev.wafer.domain.recipe.LearningRates}) and the rule of which settings a checkpoint fixes on resume ({@link
 * dev.wafer.domain.recipe.ResumePolicy}). A command line only parses its flags into a request.
 */
package dev.wafer.domain.recipe;
