/**
 * DJL set-up in one place: offline mode, the context class loader for engine discovery inside
 * Fiji, thread counts and engine facts. Never imports ImageJ.
 * <p>May depend on: core.
 */
package faceattr.engine;
