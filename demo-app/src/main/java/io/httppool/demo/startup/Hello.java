package io.httppool.demo.startup;

/**
 * The JVMs the start-up cost is measured on.
 *
 * <ul>
 *   <li>no arguments: hello world, a JVM that never loads an HTTP client;</li>
 *   <li>{@code --call URL --client NAME}: the one-call JVM, which makes one real GET with that
 *       library's per-request habit ({@link OneCall}) and exits;</li>
 *   <li>{@code --version}: prints the Java version, so the report says which JVM ran.</li>
 * </ul>
 *
 * <p>This class refers to no HTTP client class, so that the verifier never loads one for hello world.
 */
public final class Hello {

    private Hello() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("--call") && args[2].equals("--client")) {
            OneCall.main(args[1], args[3]);
        } else if (args.length == 1 && args[0].equals("--version")) {
            System.out.println(System.getProperty("java.version"));
        } else {
            System.out.println("hello");
        }
    }
}
