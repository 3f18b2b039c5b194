package io.httppool.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Class directories of their own for apps that build their own class loaders: a few compiled test classes
 * (with their nested classes) copied out of the test classes directory, so that a loader sees those and
 * nothing else of the tests; and the jars of the child class path picked by artifact name.
 */
public final class ClassDirs {

    private ClassDirs() {
    }

    /** A fresh directory {@code name} under the work directory holding {@code types} and their nested classes. */
    public static Path of(String name, Class<?>... types) {
        Path testClasses = Path.of(System.getProperty("it.test.classes", "target/test-classes"));
        Path dir = Settings.workDir().resolve("class-dirs").resolve(name);
        try {
            for (Class<?> type : types) {
                String relative = type.getName().replace('.', '/');
                Path source = testClasses.resolve(relative + ".class");
                Path target = dir.resolve(relative + ".class");
                Files.createDirectories(target.getParent());
                try (DirectoryStream<Path> classes = Files.newDirectoryStream(source.getParent(),
                        source.getFileName().toString().replace(".class", "") + "{.class,$*.class}")) {
                    for (Path file : classes) {
                        Files.copy(file, target.getParent().resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The child class path's jars whose file names start with one of {@code artifactPrefixes} ("httpclient5-"...). */
    public static String jars(String... artifactPrefixes) {
        List<String> picked = new ArrayList<>();
        for (String entry : Settings.childClassPath().split(java.io.File.pathSeparator)) {
            String file = Path.of(entry).getFileName().toString();
            for (String prefix : artifactPrefixes) {
                if (file.startsWith(prefix) && file.endsWith(".jar")) {
                    picked.add(entry);
                    break;
                }
            }
        }
        if (picked.size() < artifactPrefixes.length) {
            throw new IllegalStateException("expected jars for " + List.of(artifactPrefixes) + " on the child class path, found " + picked);
        }
        return String.join(java.io.File.pathSeparator, picked);
    }
}
