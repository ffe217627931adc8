package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lungfl.gui.SiteState.Action;

/** Which buttons are enabled in which state, and the sentence a disabled one shows. */
class SiteStateTest {
    private static SiteState state(boolean connected, boolean plan, boolean chosen, boolean imported, boolean local, boolean localFits, boolean model,
            boolean study, boolean busy) {
        return new SiteState(connected, plan, chosen, imported, local, localFits, model, study, busy);
    }

    @Test
    void aFreshWindowCanOnlyConnect() {
        SiteState s = state(false, false, false, false, false, false, false, false, false);
        assertThat(s.can(Action.CONNECT)).isTrue();
        assertThat(s.whyNot(Action.CHECK_STATUS)).isEqualTo("connect to the server first");
        assertThat(s.whyNot(Action.IMPORT)).isEqualTo("connect to the server first: its plan says how to preprocess");
        assertThat(s.whyNot(Action.TRAIN)).startsWith("connect to the server first");
        assertThat(s.whyNot(Action.SEND)).isEqualTo("connect to the server first");
        assertThat(s.whyNot(Action.DOWNLOAD)).isEqualTo("connect to the server first");
        assertThat(s.whyNot(Action.FEDERATE)).isEqualTo("connect to the server first");
        assertThat(s.whyNot(Action.PREDICT)).startsWith("connect to the server first");
        assertThat(s.whyNot(Action.CANCEL)).isEqualTo("nothing is running");
    }

    @Test
    void eachStepOpensTheNext() {
        SiteState connected = state(true, true, false, false, false, false, false, false, false);
        assertThat(connected.whyNot(Action.IMPORT)).isEqualTo("choose the DICOM folder and the labels CSV");
        assertThat(connected.whyNot(Action.FEDERATE)).isEqualTo("choose the DICOM folder and the labels CSV on the Data page");
        assertThat(connected.can(Action.DOWNLOAD)).isTrue();
        SiteState chosen = state(true, true, true, false, false, false, false, false, false);
        assertThat(chosen.can(Action.IMPORT)).isTrue();
        assertThat(chosen.can(Action.FEDERATE)).isTrue();
        assertThat(chosen.whyNot(Action.TRAIN)).isEqualTo("import the data first");
        SiteState imported = state(true, true, true, true, false, false, false, false, false);
        assertThat(imported.can(Action.TRAIN)).isTrue();
        assertThat(imported.whyNot(Action.SEND)).isEqualTo("train locally first");
        assertThat(imported.whyNot(Action.PREDICT)).isEqualTo("download the global model or train locally first (under the server's plan)");
        SiteState trained = state(true, true, true, true, true, true, true, false, false);
        assertThat(trained.can(Action.SEND)).isTrue();
        assertThat(trained.whyNot(Action.PREDICT)).isEqualTo("choose a patient or a DICOM folder");
        assertThat(state(true, true, true, true, true, true, true, true, false).can(Action.PREDICT)).isTrue();
    }

    @Test
    void aModelTrainedUnderAnotherPlanIsNotSent() {
        SiteState s = state(true, true, true, false, true, false, true, false, false);
        assertThat(s.whyNot(Action.SEND)).isEqualTo("the local model was trained under another plan than the server's: train again first");
    }

    @Test
    void whileAnOperationRunsOnlyCancelAndStatusAreOpen() {
        SiteState busy = state(true, true, true, true, true, true, true, true, true);
        for (Action a : Action.values()) {
            if (a == Action.CANCEL || a == Action.CHECK_STATUS) assertThat(busy.can(a)).as(a.name()).isTrue();
            else assertThat(busy.whyNot(a)).as(a.name()).isEqualTo("another operation is running: wait for it or cancel it");
        }
        // offline, a plan kept from the last connection still allows import, training and prediction
        SiteState offline = state(false, true, true, true, true, true, true, true, false);
        assertThat(offline.can(Action.IMPORT)).isTrue();
        assertThat(offline.can(Action.TRAIN)).isTrue();
        assertThat(offline.can(Action.PREDICT)).isTrue();
        assertThat(offline.can(Action.SEND)).isFalse();
    }
}
