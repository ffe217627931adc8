package org.lungfl.gui;

/**
 * What the site has right now, as far as the buttons care: each button is enabled exactly when
 * {@link #whyNot} has nothing to say, and otherwise shows that sentence as its tooltip.
 *
 * @param connected a server answered Connect with this site's token
 * @param planKnown the federation's plan is known (from the server, or the copy kept from the last connection)
 * @param dataChosen a DICOM folder and a labels CSV are chosen
 * @param dataImported the site's cache holds patients preprocessed under the plan
 * @param localModel a locally trained model exists
 * @param localModelFitsPlan it was trained under the plan known now
 * @param modelForPrediction a global or local model made under the plan known now exists
 * @param studyChosen a patient or a DICOM folder is chosen on the Prediction page
 * @param busy a long operation is running (one at a time: the CPU and DJL's one training per process)
 */
public record SiteState(boolean connected, boolean planKnown, boolean dataChosen, boolean dataImported, boolean localModel,
        boolean localModelFitsPlan, boolean modelForPrediction, boolean studyChosen, boolean busy) {

    public enum Action { CONNECT, CHECK_STATUS, IMPORT, TRAIN, SEND, DOWNLOAD, FEDERATE, PREDICT, CANCEL }

    private static final String WAIT = "another operation is running: wait for it or cancel it";

    /** Why {@code a} cannot be done now, or null when it can. */
    public String whyNot(Action a) {
        if (a == Action.CANCEL) return busy ? null : "nothing is running";
        if (a == Action.CHECK_STATUS) return connected ? null : "connect to the server first";
        if (busy) return WAIT;
        return switch (a) {
            case CONNECT -> null;
            case IMPORT -> !planKnown ? "connect to the server first: its plan says how to preprocess"
                    : !dataChosen ? "choose the DICOM folder and the labels CSV" : null;
            case TRAIN -> !planKnown ? "connect to the server first: its plan says what to train"
                    : !dataImported ? "import the data first" : null;
            case SEND -> !connected ? "connect to the server first" : !localModel ? "train locally first"
                    : !localModelFitsPlan ? "the local model was trained under another plan than the server's: train again first" : null;
            case DOWNLOAD -> connected ? null : "connect to the server first";
            case FEDERATE -> !connected ? "connect to the server first" : !dataChosen ? "choose the DICOM folder and the labels CSV on the Data page" : null;
            case PREDICT -> !planKnown ? "connect to the server first: its plan says how to read a study"
                    : !modelForPrediction ? "download the global model or train locally first (under the server's plan)"
                    : !studyChosen ? "choose a patient or a DICOM folder" : null;
            default -> throw new IllegalArgumentException(a.toString());
        };
    }

    public boolean can(Action a) {
        return whyNot(a) == null;
    }
}
