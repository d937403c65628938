/**
 * The model-level backend suite: JUnit 5 interfaces with test default methods that run the real model (assembled by
 * {@link dev.wafer.domain.session.ModelAssembly}, trained by {@link dev.wafer.domain.session.TrainingSession}) on
 * the backend under test. Every backend runs it by implementing {@link dev.wafer.suite.ModelSuite} in one small test
 * class. The module depends on the domain and the conformance module only, so it names no concrete backend; its
 * oracle for training is the conformance reference backend.
 */
package dev.wafer.suite;
