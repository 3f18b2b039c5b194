package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.HookWeaver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For tests: a child-first loader that defines a library's classes (those under {@code libraryPrefix}) and the
 * agent's helper classes itself, weaving the hooked ones, as the agent does in an application's loader.
 */
public final class WeavingTestLoader extends ClassLoader {

    private final String libraryPrefix;
    private final Map<String, List<Hook>> hooksByType = new HashMap<>();
    private final List<String> helpers;
    private final Map<Hook, Boolean> applied = new ConcurrentHashMap<>();

    public WeavingTestLoader(String libraryPrefix, List<Hook> hooks, List<String> helpers, ClassLoader parent) {
        super(parent);
        this.libraryPrefix = libraryPrefix;
        for (Hook hook : hooks) {
            hooksByType.computeIfAbsent(hook.type(), t -> new ArrayList<>()).add(hook);
        }
        this.helpers = helpers;
    }

    /** Whether {@code hook} found its method in a class this loader defined. */
    public boolean applied(Hook hook) {
        return applied.containsKey(hook);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(libraryPrefix) && !helpers.contains(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded != null) {
                return loaded;
            }
            byte[] bytes;
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
            List<Hook> hooks = hooksByType.get(name.replace('.', '/'));
            if (hooks != null) {
                HookWeaver.Result woven = HookWeaver.weave(bytes, hooks);
                woven.applied().forEach(h -> applied.put(h, true));
                if (woven.bytes() != null) {
                    bytes = woven.bytes();
                }
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
