package io.distlock.aop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.distlock.annotation.DistributedLock;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@link DistributedLockAspect} surrounds {@code @Transactional} by default, with a
 * real transaction manager on H2 and a real redis-server.
 */
class TransactionOrderingIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server())
		.withUserConfiguration(LedgerConfiguration.class);

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void lockIsHeldWhenTheTransactionCommitsAndReleasedAfter() {
		this.runner.withUserConfiguration(DefaultTransactionOrder.class).run((context) -> {
			List<String> events = context.getBean(Ledger.class).credit("42");
			assertThat(events).containsExactly("beforeCommit held=true", "afterCommit held=true",
					"afterCompletion held=true");
			assertThat(context.getBean(Probe.class).exists("ledger:42")).isFalse();
			assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from entries", Long.class))
				.isEqualTo(1);
		});
	}

	@Test
	void aspectOrderPropertyCanPutTheLockInsideTheTransaction() {
		this.runner.withPropertyValues("distlock.aspect-order=" + Ordered.LOWEST_PRECEDENCE)
			.withUserConfiguration(TransactionInsideLock.class)
			.run((context) -> assertThat(context.getBean(Ledger.class).credit("43"))
				.containsExactly("beforeCommit held=false", "afterCommit held=false", "afterCompletion held=false"));
	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfiguration {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute("create table entries (id varchar(64))");
			return jdbc;
		}

		@Bean
		Ledger ledger(JdbcTemplate jdbcTemplate, Probe probe) {
			return new Ledger(jdbcTemplate, probe);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class DefaultTransactionOrder {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(order = Ordered.LOWEST_PRECEDENCE - 200)
	static class TransactionInsideLock {

	}

	static class Ledger {

		private final JdbcTemplate jdbc;

		private final Probe probe;

		Ledger(JdbcTemplate jdbc, Probe probe) {
			this.jdbc = jdbc;
			this.probe = probe;
		}

		@DistributedLock(name = "ledger", key = "#id")
		@Transactional
		public List<String> credit(String id) {
			this.jdbc.update("insert into entries (id) values (?)", id);
			List<String> events = new CopyOnWriteArrayList<>();
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					events.add("beforeCommit held=" + Ledger.this.probe.exists("ledger:" + id));
				}

				@Override
				public void afterCommit() {
					events.add("afterCommit held=" + Ledger.this.probe.exists("ledger:" + id));
				}

				@Override
				public void afterCompletion(int status) {
					events.add("afterCompletion held=" + Ledger.this.probe.exists("ledger:" + id));
				}

			});
			return events;
		}

	}

}
