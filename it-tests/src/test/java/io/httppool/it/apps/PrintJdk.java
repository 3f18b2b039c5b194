package io.httppool.it.apps;

/** Prints {@code JDK <feature version> <java.home>}: which JDK a child JVM really runs on. */
public final class PrintJdk {

    private PrintJdk() {
    }

    public static void main(String[] args) {
        System.out.println("JDK " + Runtime.version().feature() + " " + System.getProperty("java.home"));
    }
}
