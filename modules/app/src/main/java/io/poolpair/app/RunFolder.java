package io.poolpair.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A run's own folder, {@code <root>/<scenario>/<UTC timestamp>[-<seed>]}, never reused (a suffix is
 * added when two runs start in the same second), plus a {@code latest} link in the root.
 */
final class RunFolder {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private RunFolder() {}

    static Path create(Path root, String scenario, Long seed) {
        String base = STAMP.format(Instant.now()) + (seed == null ? "" : "-" + seed);
        Path parent = root.resolve(safe(scenario));
        try {
            Files.createDirectories(parent);
            for (int n = 1; ; n++) {
                Path dir = parent.resolve(n == 1 ? base : base + "." + n);
                try {
                    Files.createDirectory(dir);
                    link(root, dir);
                    return dir;
                } catch (FileAlreadyExistsException e) {
                    // taken: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the run folder under " + root + ": " + e.getMessage());
        }
    }

    private static void link(Path root, Path dir) {
        Path latest = root.resolve("latest");
        try {
            Files.deleteIfExists(latest);
            Files.createSymbolicLink(latest, root.relativize(dir));
        } catch (IOException | UnsupportedOperationException e) {
            // a missing link is not worth failing a run for
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
