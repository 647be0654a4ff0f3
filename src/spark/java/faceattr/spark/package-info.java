/**
 * The analysis as an Apache Spark job ({@code faceattr-spark analyze}, docs/scale.md): inputs
 * listed on the driver from any Hadoop file system, images read and decoded on the executors,
 * one {@link faceattr.analysis.FaceAnalyzer} per executor JVM, two tables ({@code faces} with the
 * faces.csv columns, {@code images} with one row per input) committed run by run so that a failed
 * or concurrent run never destroys or mixes into earlier output. Built only with {@code -Pspark};
 * Spark is provided by the cluster or the launcher.
 */
package faceattr.spark;
