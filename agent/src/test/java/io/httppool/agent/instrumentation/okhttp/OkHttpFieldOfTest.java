package io.httppool.agent.instrumentation.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** A field known by several versions' names: the first one a class declares, looked up again for another class. */
class OkHttpFieldOfTest {

    static final class Version4Builder {
        Object sslSocketFactoryOrNull;
    }

    static final class Version3Builder {
        Object sslSocketFactory;
    }

    static final class Unrelated {
        Object other;
    }

    @Test
    void eachClassGetsTheFieldItDeclaresEvenWhenClassesAlternate() throws Exception {
        OkHttpInternals.FieldOf factory = new OkHttpInternals.FieldOf("sslSocketFactoryOrNull", "sslSocketFactory");
        Version4Builder four = new Version4Builder();
        Version3Builder three = new Version3Builder();
        Object first = new Object();
        Object second = new Object();

        assertTrue(factory.set(four, first));
        assertTrue(factory.set(three, second));
        assertTrue(factory.set(four, second));

        assertSame(second, four.sslSocketFactoryOrNull);
        assertSame(second, three.sslSocketFactory);
        assertSame(second, factory.get(three));
        assertFalse(factory.set(new Unrelated(), first));
        assertNull(factory.get(new Unrelated()));
    }

    @Test
    void setsTheRealBuildersField() throws Exception {
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        assertTrue(new OkHttpInternals.FieldOf("connectTimeout").set(builder, 1234));
        assertEquals(1234, builder.build().connectTimeoutMillis());
    }
}
