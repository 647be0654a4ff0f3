#!/usr/bin/env bash
# Lays out target/faceattr/ (docs/contracts.md) after 'mvn package' built the jar and copied the
# runtime dependencies to target/deps:
#   bin/faceattr, bin/imagej   launchers (bin/faceattr-spark and spark/ with -Pspark)
#   lib/                       every jar (the CLI's class path; ij.jar for bin/imagej)
#   imagej/plugins/            the plugin jar and its dependencies, as ImageJ's plugin class
#                              loader sees them (bin/imagej's plugins.dir)
#   fiji/plugins, fiji/jars    copy into Fiji.app to install
#   sample-data/, macros/
set -euo pipefail
root=${1:?project dir}; jar=${2:?plugin jar}
t="$root/target"; out="$t/faceattr"
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/imagej/plugins/jars" "$out/fiji/plugins" "$out/fiji/jars"
cp "$t/deps/"*.jar "$out/lib/"
cp "$jar" "$out/lib/"
for f in faceattr imagej faceattr-env.sh; do
  cp "$root/src/main/launcher/$f" "$out/bin/"
done
chmod +x "$out/bin/faceattr" "$out/bin/imagej"
# Fiji ships ImageJ 1, SciJava and ImgLib2 itself: never bundle second copies of them.
for d in "$t/deps/"*.jar; do
  case "$(basename "$d")" in
    ij-*.jar|scijava-common-*.jar|imglib2-*.jar|parsington-*.jar) ;;
    *) cp "$d" "$out/fiji/jars/" ;;
  esac
done
cp "$jar" "$out/fiji/plugins/"
# bin/imagej: plugin jar at the top of plugins/, dependencies one level down (ImageJ's plugin
# class loader adds jars from subfolders), hard links to save space.
cp "$jar" "$out/imagej/plugins/"
for d in "$out/fiji/jars/"*.jar; do
  ln "$d" "$out/imagej/plugins/jars/" 2>/dev/null || cp "$d" "$out/imagej/plugins/jars/"
done
# -Pspark: Spark's jars for faceattr-spark's embedded local mode (docs/scale.md).
if [ -d "$t/spark-deps" ] && [ -f "$t/classes/faceattr/spark/SparkAnalyze.class" ]; then
  mkdir -p "$out/spark/jars"
  cp "$t/spark-deps/"*.jar "$out/spark/jars/"
  cp "$root/src/main/launcher/spark/"*.properties "$out/spark/"
  cp "$root/src/main/launcher/faceattr-spark" "$out/bin/"
  chmod +x "$out/bin/faceattr-spark"
fi
cp -r "$root/sample-data" "$out/sample-data"
cp -r "$root/macros" "$out/macros" 2>/dev/null || true
echo "assemble: $out ($(du -sh "$out" | cut -f1))" >&2
