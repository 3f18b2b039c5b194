package io.httppool.agent.instrumentation.apache5async;

import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.cookie.Cookie;
import org.apache.hc.client5.http.cookie.CookieStore;

/**
 * The client state of a shared real client: a cookie store that keeps nothing and a credentials provider
 * that knows nothing. Every request brings its application client's own in its context; these only ensure
 * that a request which somehow did not could never see another client's cookies or credentials.
 */
final class Apache5AsyncInertState implements CookieStore {

    static final CookieStore NO_COOKIES = new Apache5AsyncInertState();
    static final CredentialsProvider NO_CREDENTIALS = (scope, context) -> null;

    private Apache5AsyncInertState() {
    }

    @Override
    public void addCookie(Cookie cookie) {
    }

    @Override
    public List<Cookie> getCookies() {
        return Collections.emptyList();
    }

    @Override
    @Deprecated
    public boolean clearExpired(Date date) {
        return false;
    }

    @Override
    public void clear() {
    }
}
