package dev.wafer.app.wiring;

import com.google.inject.AbstractModule;

import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.formats.data.DatasetPreparer;
import dev.wafer.formats.data.DatasetPreparers;
import dev.wafer.formats.data.TokenizerFactory;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.text.Tokenizers;

/** Wires the file formats the commands use through interfaces: checkpoints, tokenizers, dataset preparation. */
public final class FormatsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(CheckpointStore.class).to(FileCheckpointStore.class);
        bind(Tokenizers.class).to(TokenizerFactory.class);
        bind(DatasetPreparers.class).toInstance(DatasetPreparer::new);
    }
}
