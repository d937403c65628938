/**
 * The paper's scientific results in miniature, as use cases over the compute ports: the muP coordinate check
 * ({@link dev.wafer.domain.study.CoordinateCheck}, microsoft/mup's methodology), learning-rate transfer across widths
 * ({@link dev.wafer.domain.study.LearningRateSweep}) and a compute-optimal scaling study with a fitted
 * {@code L(f) = a f^b + c} ({@link dev.wafer.domain.study.ScalingStudy}). Each trains small models on a
 * {@link dev.wafer.domain.study.StudyData}, reports progress to a {@link dev.wafer.domain.study.StudyListener} and
 * returns plain result records; tables, JSON and plots are the application's business.
 */
package dev.wafer.domain.study;
