package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The soft-mask searches' options (vit-slim, vtp): bad values and foreign options are one clear line. */
class MaskSearchOptionsTest {

    @Test
    void vitSlimRefusesBadValuesAndForeignOptionsInOneLine() {
        SviteCli.Result r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--slim-budget", "1.5");
        assertTrue(r.code() != 0, r.err());
        assertTrue(r.err().contains("--slim-budget must be a fraction in (0, 1], got 1.5"), r.err());
        r = SviteCli.run("train", "--method", "omp", "--dataset", "synthetic", "--slim-budget", "0.5");
        assertTrue(r.err().contains("--slim-budget applies to --method vit-slim, not --method omp"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--l1", "-1");
        assertTrue(r.err().contains("--l1 must be a finite value >= 0, got -1.0"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--epochs", "2", "--search-epochs", "2");
        assertTrue(r.err().contains("--search-epochs 2 leaves no fine-tuning epoch of --epochs 2; use at most 1"), r.err());
        r = SviteCli.run("plan", "--method", "vit-slim", "--slim-budget", "0.01");
        assertTrue(r.err().contains("--slim-budget 0.01 is below the smallest model ViT-Slim can keep"), r.err());
        r = SviteCli.run("plan", "--method", "vit-slim", "--slim-measure", "flops");
        assertTrue(r.err().contains("unknown --slim-measure 'flops'; use params or macs"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--sparsity", "0.5");
        assertTrue(r.code() != 0 && r.err().contains("--sparsity"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--slim-dims", "heads,patches");
        assertTrue(r.err().contains("unknown --slim-dims 'heads,patches'; use heads,neurons,patches or heads,neurons"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--epochs", "2", "--tokens", "20");
        assertTrue(r.code() != 0 && r.err().contains("cannot be combined with a learned token selection (--tokens)"), r.err());
        r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--slim-dims", "heads,neurons");
        assertTrue(r.err().contains("--slim-dims applies to --method vit-slim, not --method vtp"), r.err());
    }

    @Test
    void vtpRefusesBadValuesAndForeignOptionsInOneLine() {
        SviteCli.Result r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--vtp-ratio", "1");
        assertTrue(r.code() != 0 && r.err().contains("--vtp-ratio must be in [0, 1), got 1.0"), r.err());
        r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--vtp-ratio", "0.3", "--vtp-threshold", "0.1");
        assertTrue(r.err().contains("give --vtp-ratio or --vtp-threshold, not both"), r.err());
        r = SviteCli.run("train", "--method", "vit-slim", "--dataset", "synthetic", "--vtp-ratio", "0.3");
        assertTrue(r.err().contains("--vtp-ratio applies to --method vtp, not --method vit-slim"), r.err());
        r = SviteCli.run("train", "--method", "dense", "--dataset", "synthetic", "--l1", "0.1");
        assertTrue(r.err().contains("--l1 applies to --method vit-slim or vtp, not --method dense"), r.err());
        r = SviteCli.run("plan", "--method", "vtp", "--vtp-threshold", "0.1");
        assertTrue(r.err().contains("plan --method vtp needs --vtp-ratio"), r.err());
        r = SviteCli.run("train", "--method", "vtp", "--dataset", "synthetic", "--epochs", "1");
        assertTrue(r.err().contains("vtp searches masks, compacts, then fine-tunes: it needs --epochs 2 or more, got 1"), r.err());
    }
}
