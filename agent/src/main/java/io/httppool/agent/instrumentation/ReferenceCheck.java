package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.weaving.Call;
import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.Value;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Before a library is woven in a class loader: does the copy of the library there have everything the
 * hooks and helpers use? Every hooked method (exact name and descriptor, with code), and every class,
 * method and field of the library that the helper classes name in their constant pools, looked up in
 * the class files the loader would load (superclasses and interfaces included). Nothing is loaded or
 * initialised: only resources are read, so this is safe inside a class-file transformer.
 *
 * <p>This is what OpenTelemetry's "muzzle" does at build time, done here at first use: a version of the
 * library whose members changed shape is named in one log line and left alone, instead of failing later
 * on an application thread.
 */
final class ReferenceCheck {

    /**
     * A member of the library that a helper or hook relies on. A plain class, not a record: a record's
     * equals and hashCode are bootstrapped through invokedynamic, tens of milliseconds of the first
     * request's time in a JVM that had not used them yet.
     */
    static final class Reference {
        private final String owner;
        private final String name;
        private final String descriptor;
        private final boolean field;
        private final String key;

        Reference(String owner, String name, String descriptor, boolean field) {
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.field = field;
            this.key = owner + (name == null ? "" : (field ? "#f:" : "#m:") + name + descriptor);
        }

        String owner() {
            return owner;
        }

        String name() {
            return name;
        }

        String descriptor() {
            return descriptor;
        }

        boolean field() {
            return field;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Reference reference && reference.key.equals(key);
        }

        @Override
        public int hashCode() {
            return key.hashCode();
        }

        @Override
        public String toString() {
            return describe();
        }

        String describe() {
            String type = owner.replace('/', '.');
            if (name == null) {
                return "class " + type;
            }
            return (field ? "field " : "method ") + type + "." + name + (field ? "" : descriptor);
        }
    }

    /** The members a class file declares, and its supertypes. */
    private record Members(Set<String> methods, Set<String> concreteMethods, Set<String> fields, List<String> supertypes) {
    }

    private final ClassLoader loader;
    private final Map<String, Members> parsed = new HashMap<>();
    /** The library class files read so far ({@code org/x/Y.class}). */
    private final Set<String> filesRead;

    /** The library's own packages: never looked up by reflection, even where they are JDK packages. */
    private final List<String> packages;

    private ReferenceCheck(ClassLoader loader, List<String> packages, Set<String> filesRead) {
        this.loader = loader;
        this.packages = packages;
        this.filesRead = filesRead;
    }

    /**
     * Null when everything is there; otherwise what is missing, for the log (the first few items).
     *
     * @param packages internal-name prefixes of the library ({@code org/apache/hc/}): only references into
     *                 these are checked (JDK and agent classes are there by construction)
     */
    static String missing(ClassLoader loader, List<Hook> hooks, Map<String, byte[]> helpers, List<String> packages) {
        return missing(loader, hooks, helpers, packages, new LinkedHashSet<>());
    }

    /**
     * {@link #missing}, also naming in {@code filesRead} every class file of the library the answer was drawn
     * from ({@code org/x/Y.class}): the same files, byte for byte, give the same answer ({@link KnownBuilds}).
     */
    static String missing(ClassLoader loader, List<Hook> hooks, Map<String, byte[]> helpers, List<String> packages,
                          Set<String> filesRead) {
        ReferenceCheck check = new ReferenceCheck(loader, packages, filesRead);
        Set<String> missing = new LinkedHashSet<>();
        for (Hook hook : hooks) {
            if (hook.isOptional()) {
                continue;
            }
            Members members = check.members(hook.type());
            if (members == null) {
                missing.add("class " + hook.type().replace('/', '.'));
            } else if (!members.concreteMethods().contains(hook.method() + hook.descriptor())) {
                missing.add("method " + hook.describe());
            } else {
                for (Value.Field field : fieldsReadBy(hook)) {
                    if (!members.fields().contains(field.name() + ":" + field.descriptor())) {
                        missing.add("field " + hook.type().replace('/', '.') + "." + field.name() + " " + field.descriptor());
                    }
                }
            }
        }
        for (Reference reference : referencesOf(helpers.values(), packages)) {
            if (!check.resolves(reference)) {
                missing.add(reference.describe());
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        List<String> shown = new ArrayList<>(missing);
        String list = String.join(", ", shown.subList(0, Math.min(3, shown.size())));
        return shown.size() > 3 ? list + " and " + (shown.size() - 3) + " more" : list;
    }

    /**
     * Whether a library requirement holds in {@code loader}: {@code owner} (internal name) exists, and with
     * {@code owner#method} it declares a method of that name. Reads class files only.
     */
    static boolean holds(ClassLoader loader, String requirement) {
        int hash = requirement.indexOf('#');
        String owner = hash < 0 ? requirement : requirement.substring(0, hash);
        Members members = new ReferenceCheck(loader, List.of(owner), new LinkedHashSet<>()).members(owner);
        if (members == null || hash < 0) {
            return members != null;
        }
        String prefix = requirement.substring(hash + 1) + "(";
        for (String method : members.methods()) {
            if (method.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The fields of the hooked class its calls read ({@link Value#field}). */
    private static List<Value.Field> fieldsReadBy(Hook hook) {
        List<Value.Field> fields = new ArrayList<>();
        List<Call> calls = new ArrayList<>();
        for (Hook.Enter enter : hook.enters()) {
            calls.add(enter.call());
        }
        for (Hook.Exit exit : hook.exits()) {
            calls.add(exit.call());
        }
        for (Call call : calls) {
            for (Value value : call.values()) {
                if (value instanceof Value.Field field) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    /** Every class, method and field reference into {@code packages} in the helpers' constant pools. */
    static Set<Reference> referencesOf(Iterable<byte[]> classFiles, List<String> packages) {
        Set<Reference> references = new LinkedHashSet<>();
        for (byte[] classFile : classFiles) {
            ClassReader reader = new ClassReader(classFile);
            char[] buffer = new char[reader.getMaxStringLength()];
            for (int item = 1; item < reader.getItemCount(); item++) {
                int offset = reader.getItem(item);
                if (offset == 0) {
                    continue; // second slot of a long or double
                }
                int tag = reader.readByte(offset - 1);
                if (tag == 7) { // CONSTANT_Class
                    String type = reader.readUTF8(offset, buffer);
                    String element = elementType(type);
                    if (element != null && inPackages(element, packages)) {
                        references.add(new Reference(element, null, null, false));
                    }
                } else if (tag == 9 || tag == 10 || tag == 11) { // Fieldref, Methodref, InterfaceMethodref
                    String owner = reader.readClass(offset, buffer);
                    if (!inPackages(owner, packages)) {
                        continue;
                    }
                    int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
                    references.add(new Reference(owner, reader.readUTF8(nameAndType, buffer),
                            reader.readUTF8(nameAndType + 2, buffer), tag == 9));
                }
            }
        }
        return references;
    }

    private boolean resolves(Reference reference) {
        Members members = members(reference.owner());
        if (members == null) {
            return false;
        }
        if (reference.name() == null) {
            return true;
        }
        String signature = reference.field() ? reference.name() + ":" + reference.descriptor() : reference.name() + reference.descriptor();
        return inHierarchy(reference.owner(), signature, reference.field(), 0);
    }

    /** Whether {@code type} or one of its supertypes declares the field or method {@code signature}. */
    private boolean inHierarchy(String type, String signature, boolean field, int depth) {
        Members members = members(type);
        if (members == null || depth > 32) {
            return false;
        }
        if ((field ? members.fields() : members.methods()).contains(signature)) {
            return true;
        }
        for (String supertype : members.supertypes()) {
            if (inHierarchy(supertype, signature, field, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private Members members(String type) {
        if (parsed.containsKey(type)) {
            return parsed.get(type);
        }
        Members members = read(type);
        parsed.put(type, members);
        return members;
    }

    private Members read(String type) {
        if (isJdkType(type) && !inPackages(type, packages)) {
            Members members = jdkMembers(type);
            if (members != null) {
                return members;
            }
        }
        byte[] bytes;
        try (InputStream in = LoaderResources.open(loader, type + ".class")) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        filesRead.add(type + ".class");
        Set<String> methods = new java.util.HashSet<>();
        Set<String> concrete = new java.util.HashSet<>();
        Set<String> fields = new java.util.HashSet<>();
        List<String> supertypes = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                if (superName != null) {
                    supertypes.add(superName);
                }
                if (interfaces != null) {
                    supertypes.addAll(List.of(interfaces));
                }
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                fields.add(name + ":" + descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                methods.add(name + descriptor);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                    concrete.add(name + descriptor);
                }
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new Members(methods, concrete, fields, supertypes);
    }

    /**
     * JDK supertypes of the library's classes (Object, AutoCloseable...) are read by reflection when the
     * bootstrap loader has them, not from class files: reading {@code java/lang/Object.class} as a resource
     * starts the JDK's jrt file system early, on the first request's time. Loading a bootstrap class runs
     * none of the application's code. The library's own packages are never loaded here (the JDK client's
     * classes are being transformed while this runs), nor are classes of other JDK loaders (null: read
     * from class files instead).
     */
    private static boolean isJdkType(String type) {
        return type.startsWith("java/") || type.startsWith("javax/") || type.startsWith("jdk/") || type.startsWith("sun/");
    }

    private static Members jdkMembers(String type) {
        Class<?> jdkClass;
        try {
            // The boot loader only: loading through the platform loader could define a class of the JDK
            // HttpClient while the agent transforms it (LinkageError: duplicate class definition).
            jdkClass = Class.forName(type.replace('/', '.'), false, null);
        } catch (ClassNotFoundException | LinkageError | RuntimeException notInTheBootLayer) {
            return null;
        }
        Set<String> methods = new java.util.HashSet<>();
        Set<String> concrete = new java.util.HashSet<>();
        Set<String> fields = new java.util.HashSet<>();
        List<String> supertypes = new ArrayList<>();
        if (jdkClass.getSuperclass() != null) {
            supertypes.add(jdkClass.getSuperclass().getName().replace('.', '/'));
        }
        for (Class<?> implemented : jdkClass.getInterfaces()) {
            supertypes.add(implemented.getName().replace('.', '/'));
        }
        for (java.lang.reflect.Method method : jdkClass.getDeclaredMethods()) {
            String signature = method.getName() + java.lang.invoke.MethodType.methodType(
                    method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString();
            methods.add(signature);
            if (!java.lang.reflect.Modifier.isAbstract(method.getModifiers())) {
                concrete.add(signature);
            }
        }
        for (java.lang.reflect.Field field : jdkClass.getDeclaredFields()) {
            fields.add(field.getName() + ":" + field.getType().descriptorString());
        }
        return new Members(methods, concrete, fields, supertypes);
    }

    private static boolean inPackages(String internalName, List<String> packages) {
        for (String prefix : packages) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The class an array or class constant names, or null for arrays of primitives. */
    private static String elementType(String constant) {
        if (!constant.startsWith("[")) {
            return constant;
        }
        String element = constant.substring(constant.lastIndexOf('[') + 1);
        return element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : null;
    }
}
