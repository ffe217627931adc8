package org.lungfl.model;

/** A patient of a dataset cache as the model sees it: a pseudonymous key and a label (1 = cancer). */
public interface Patient {
    String key();

    int label();
}
