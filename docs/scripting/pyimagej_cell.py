# Face Attributes from Python with pyimagej (a Jupyter notebook cell). Needs a Fiji.app with the
# plugin installed (docs/imagej.md, "Installing"); pyimagej is not part of this project.
import imagej
import numpy as np
import pandas as pd
from PIL import Image

ij = imagej.init("/path/to/Fiji.app", mode="headless")

photo = np.asarray(Image.open("astronaut.png").convert("RGB"))   # H x W x 3, uint8
image = ij.py.to_java(photo)                                      # arrives as a 3 x W x H interval

module = ij.command().run("faceattr.ij2.AnalyzeFacesCommand", True,
                          {"image": image, "model": "reference", "minFace": 20.0}).get()
if module.isCanceled():
    raise ValueError(str(module.getCancelReason()))
rows = ij.py.from_java(module.getOutput("rows"))                 # a list of dicts
faces = pd.DataFrame(rows)
faces[["face", "x", "y", "width", "height", "age", "gender", "emotion"]]
