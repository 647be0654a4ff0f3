/**
 * Small types every stage shares: the {@link faceattr.core.RgbImage} the core works on, the
 * {@link faceattr.core.Progress} listener and the user-facing exceptions. Imports nothing from
 * ImageJ, AWT or DJL.
 * <p>May depend on: nothing.
 */
package faceattr.core;
