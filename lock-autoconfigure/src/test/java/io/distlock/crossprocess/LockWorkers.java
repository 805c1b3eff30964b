package io.distlock.crossprocess;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.distlock.redis.Witness;
import io.distlock.redis.WitnessedRedis;
import io.distlock.testsupport.JavaProcess;
import io.distlock.zookeeper.ZooKeeperServerExtension;

/**
 * Starts {@link LockWorker} JVMs on a {@link Backend}, each recording with the {@link Witness}
 * of a {@link WitnessedRedis}, and after each test kills by PID whichever still runs, paused or
 * not.
 */
public final class LockWorkers implements AfterEachCallback {

	private static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC");

	private final WitnessedRedis redis;

	private final ZooKeeperServerExtension zookeeper;

	private final List<JavaProcess> started = new ArrayList<>();

	public LockWorkers(WitnessedRedis redis, ZooKeeperServerExtension zookeeper) {
		this.redis = redis;
		this.zookeeper = zookeeper;
	}

	/**
	 * Starts {@code LockWorker mode <target> <witnessHost> <witnessPort> key more...}.
	 * @param backend where the worker locks
	 * @param mode the worker's mode
	 * @param key the key (or key prefix) of its mode
	 * @param more the mode's further arguments, as strings
	 * @return the running worker
	 */
	public JavaProcess start(Backend backend, String mode, String key, Object... more) {
		List<String> args = new ArrayList<>(List.of(mode, backend.target(this.redis, this.zookeeper).spec(),
				this.redis.witness().host(), Integer.toString(this.redis.witness().port()), key));
		for (Object arg : more) {
			args.add(String.valueOf(arg));
		}
		JavaProcess worker = JavaProcess.start(LockWorker.class, JVM_OPTIONS, args.toArray(new String[0]));
		this.started.add(worker);
		return worker;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.started.forEach(JavaProcess::close);
		this.started.clear();
	}

}
