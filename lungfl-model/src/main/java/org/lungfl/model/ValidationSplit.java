package org.lungfl.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Splits a dataset into training and validation patients, stratified by label and seeded: the
 * same cache, fraction and seed give the same split on every machine. Items of one patient key
 * always land on the same side, so validation never sees a patient the model trained on.
 */
public record ValidationSplit<T>(List<T> train, List<T> validation) {

    public static ValidationSplit<LabelledVolume> of(List<LabelledVolume> all, double fraction, long seed) {
        return of(all, LabelledVolume::key, LabelledVolume::label, fraction, seed);
    }

    public static ValidationSplit<LesionPatient> ofLesions(List<LesionPatient> all, double fraction, long seed) {
        return of(all, LesionPatient::key, LesionPatient::label, fraction, seed);
    }

    public static <T> ValidationSplit<T> of(List<T> all, Function<T, String> key, ToIntFunction<T> labelOf, double fraction, long seed) {
        if (fraction < 0 || fraction >= 1) throw new IllegalArgumentException("validation fraction must be in [0, 1): " + fraction);
        List<T> train = new ArrayList<>();
        List<T> validation = new ArrayList<>();
        for (int label = 0; label <= 1; label++) {
            Map<String, List<T>> patients = new LinkedHashMap<>();
            int l = label;
            all.stream().filter(v -> labelOf.applyAsInt(v) == l).sorted(Comparator.comparing(key))
                    .forEach(v -> patients.computeIfAbsent(key.apply(v), k -> new ArrayList<>()).add(v));
            List<String> keys = new ArrayList<>(patients.keySet());
            java.util.Collections.shuffle(keys, new Random(seed * 31 + label));
            int held = (int) Math.round(fraction * keys.size());
            for (int i = 0; i < keys.size(); i++) (i < held ? validation : train).addAll(patients.get(keys.get(i)));
        }
        return new ValidationSplit<>(List.copyOf(train), List.copyOf(validation));
    }
}
