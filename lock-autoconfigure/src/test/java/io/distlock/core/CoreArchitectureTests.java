package io.distlock.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Tests that the backend-neutral core depends on no Spring, Redis or backend package.
 */
class CoreArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.distlock");

	@Test
	void coreDependsOnNoFrameworkOrBackend() {
		noClasses().that()
			.resideInAPackage("io.distlock.core..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "redis.clients..", "io.distlock.redis..",
					"io.distlock.aop..", "io.distlock.annotation..", "io.distlock.autoconfigure..",
					"io.micrometer..")
			.check(this.classes);
	}

}
