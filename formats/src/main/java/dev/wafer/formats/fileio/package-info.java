/** File plumbing shared by Wafer's file formats: atomic replacement and streaming of float tensors. */
package dev.wafer.formats.fileio;
