package io.autoactivator.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro instantiate our generated classes without a JVM flag.
 *
 * <p>Since 1.12 (CVE-2024-47561) Avro refuses to instantiate classes outside a trusted list unless
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} names their package. Asking every user of the serdes for
 * that flag is a trap, so the serdes install, once per JVM, a global validator that trusts exactly the
 * generated package {@value #GENERATED_PACKAGE}, composed with whatever validator was global before
 * (Avro's {@code DEFAULT} unless someone changed it), so nothing that was trusted stops being trusted.
 */
final class TrustedAvroClasses {

    static final String GENERATED_PACKAGE = "io.autoactivator.schemas";

    private static final ClassSecurityPredicate GENERATED =
            type -> GENERATED_PACKAGE.equals(type.getPackageName());

    private static boolean installed;

    private TrustedAvroClasses() {
    }

    /** Idempotent; safe to call from every static initializer that decodes. */
    static synchronized void install() {
        if (!installed) {
            ClassSecurityValidator.setGlobal(
                    ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), GENERATED));
            installed = true;
        }
    }
}
