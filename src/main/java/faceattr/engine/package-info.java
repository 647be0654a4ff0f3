/**
 * DJL set-up in one place: offline mode, the context class loader for engine discovery inside
 * Fiji, thread counts and engine facts. Never imports ImageJ.
 */
package faceattr.engine;
