package io.poolpair.model.quorum;

import java.util.Map;

/**
 * The choices made where spec §2.3 is ambiguous or unconfirmed (docs/fidelity.md):
 *
 * @param twelveFrontEnds2019FirstTwelve a 12-FE pool in SfB 2019 falls in two rows of Table A
 *        ("5 of the first 9" and "7 of the first 12"); true (default) applies the 2019-only row
 * @param startOverrides Table B values for pool sizes the source does not give (13–15 by default:
 *        11, 12, 12) or any size you want to override
 */
public record QuorumSettings(boolean twelveFrontEnds2019FirstTwelve, Map<Integer, Integer> startOverrides) {

    public static final QuorumSettings DEFAULT = new QuorumSettings(true, Map.of(13, 11, 14, 12, 15, 12));

    public QuorumSettings {
        startOverrides = Map.copyOf(startOverrides);
    }
}
