package io.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A few cache-line-spaced slots of memory with atomic access: off-heap in one JVM, or a file
 * mapped by several JVMs on one machine, so that witnesses and hand-shakes never go through the
 * Redis being measured.
 */
final class SharedMemory {

	static final int SLOTS = 64;

	private static final int SLOT_BYTES = 64;

	private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

	private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
			ByteOrder.nativeOrder());

	private final ByteBuffer memory;

	private SharedMemory(ByteBuffer memory) {
		this.memory = memory;
	}

	static SharedMemory inProcess() {
		return new SharedMemory(ByteBuffer.allocateDirect(SLOTS * SLOT_BYTES));
	}

	static SharedMemory mapped(Path file) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			return new SharedMemory(channel.map(FileChannel.MapMode.READ_WRITE, 0, SLOTS * SLOT_BYTES));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot map " + file, ex);
		}
	}

	int getAndAdd(int slot, int delta) {
		return (int) INT.getAndAdd(this.memory, offset(slot), delta);
	}

	int getInt(int slot) {
		return (int) INT.getVolatile(this.memory, offset(slot));
	}

	void setInt(int slot, int value) {
		INT.setVolatile(this.memory, offset(slot), value);
	}

	long getLong(int slot) {
		return (long) LONG.getVolatile(this.memory, offset(slot));
	}

	void setLong(int slot, long value) {
		LONG.setVolatile(this.memory, offset(slot), value);
	}

	void clear() {
		for (int slot = 0; slot < SLOTS; slot++) {
			setLong(slot, 0);
		}
	}

	private static int offset(int slot) {
		if (slot < 0 || slot >= SLOTS) {
			throw new IndexOutOfBoundsException("Slot " + slot + " of " + SLOTS);
		}
		return slot * SLOT_BYTES;
	}

}
