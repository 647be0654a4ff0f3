package faceattr.data;

/** Which part of a dataset a sample belongs to. */
public enum Split {
    /** Used to fit the weights. */
    TRAIN,
    /** Used to choose the best epoch and to stop early (FairFace "val", RAF-DB "test"). */
    VAL
}
