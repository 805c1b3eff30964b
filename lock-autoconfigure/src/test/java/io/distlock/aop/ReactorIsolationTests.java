package io.distlock.aop;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Tests that Reactor, an optional dependency, is referenced only by the classes that are loaded
 * when it is present, so everything else works without it.
 */
class ReactorIsolationTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.distlock");

	@Test
	void onlyReactorOnlyClassesDependOnReactor() {
		noClasses().that()
			.doNotHaveFullyQualifiedName(ReactiveLockingInvoker.class.getName())
			.and()
			.doNotHaveFullyQualifiedName(NonBlockingThreadOffloader.class.getName())
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("reactor..", "org.reactivestreams..")
			.check(this.classes);
	}

}
