package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Creates and deletes the fixture's temporary files and directories.
 *
 * @since 1.0.0
 */
final class TemporaryFiles {

	private TemporaryFiles() {
	}

	/**
	 * Creates a directory under {@code java.io.tmpdir}.
	 * @param prefix the start of its name
	 * @return the new directory
	 */
	static Path createDirectory(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a temporary directory", ex);
		}
	}

	/**
	 * Creates a file under {@code java.io.tmpdir}.
	 * @param prefix the start of its name
	 * @param suffix the end of its name
	 * @return the new file
	 */
	static Path createFile(String prefix, String suffix) {
		try {
			return Files.createTempFile(prefix, suffix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a temporary file", ex);
		}
	}

	/**
	 * Deletes a file, or a directory and everything in it, if it exists.
	 * @param path the file or directory
	 */
	static void delete(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> files = Files.walk(path)) {
			for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + path, ex);
		}
	}

}
