/**
 * The files of the studies: their JSON results ({@link dev.wafer.formats.study.StudyJson}) and the resumable sample
 * list of the muP search ({@link dev.wafer.formats.study.MupSearchLog}).
 */
package dev.wafer.formats.study;
