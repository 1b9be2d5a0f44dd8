import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Old and new restart in ONE JVM, each jar in its own class loader (own classes, JIT code, snapshot), rounds alternated
 * and the order swapped every round: RecoveryHarness's restart with a snapshot and a 1 M-input tail. Usage (see
 * restart-probe.sh): java -Xms8g -Xmx8g -cp DIR RestartProbe DIR old.jar new.jar rounds
 */
public final class RestartProbe
{
    public static void main(final String[] args) throws Exception
    {
        final URL dir = Path.of(args[0]).toUri().toURL();
        final String[] jars = {args[1], args[2]};
        final int rounds = Integer.parseInt(args[3]);
        final Path root = Files.createTempDirectory("restart-probe");
        final Method[] run = new Method[2];
        final Object[] state = new Object[2];
        final Class<?>[] runner = new Class<?>[2];
        final int[] schema = new int[2];
        for (int j = 0; j < 2; j++)
        {
            final URLClassLoader loader = new URLClassLoader(new URL[]{dir, Path.of(jars[j]).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
            runner[j] = loader.loadClass("com.wodian.perf.JarRestartRunner");
            schema[j] = (int)runner[j].getMethod("schemaVersion").invoke(null);
        }
        // One journal for both: written by the jar of the older payload schema (the first on a tie), which both read;
        // a newer jar replays the older entries as the older schema defines them (docs/engine.md, "Changing the
        // engine safely"). Each jar writes its own snapshot.
        final int writer = schema[1] < schema[0] ? 1 : 0;
        System.out.printf("payload schema: old jar %d, new jar %d; the journal is written by the %s jar%n", schema[0],
            schema[1], writer == 0 ? "old" : "new");
        for (final int j : new int[]{writer, 1 - writer})
        {
            state[j] = runner[j].getMethod("setUp", Path.class, String.class, boolean.class).invoke(null, root, j == 0 ? "old" : "new", j == writer);
            run[j] = runner[j].getMethod("round", Object.class);
        }
        final double[][] wall = new double[2][rounds], tailCpu = new double[2][rounds];
        for (int r = -1; r < rounds; r++)
        {
            final StringBuilder line = new StringBuilder(java.time.LocalTime.now() + " round " + r);
            for (int k = 0; k < 2; k++)
            {
                final int j = ((r & 1) == 0) ? k : 1 - k;
                System.gc();
                final long[] x = (long[])run[j].invoke(null, state[j]);
                if (r >= 0) { wall[j][r] = x[0] / 1e6; tailCpu[j][r] = x[3] / 1e6; }
                line.append(String.format("  %s restart %.0f ms (load %.0f, tail %.0f wall, apply CPU %.0f; main CPU %.0f) %016x",
                    j == 0 ? "old" : "new", x[0] / 1e6, x[1] / 1e6, x[2] / 1e6, x[3] / 1e6, x[4] / 1e6, x[5]));
            }
            System.out.println(line);
        }
        for (final String what : new String[]{"restart wall", "tail apply CPU"})
        {
            final double[][] x = what.startsWith("restart") ? wall : tailCpu;
            final double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) ratio[r] = x[1][r] / x[0][r];
            Arrays.sort(ratio);
            final double[] a = x[0].clone(), b = x[1].clone();
            Arrays.sort(a); Arrays.sort(b);
            System.out.printf("%s ms: old median %.0f (%.0f-%.0f), new median %.0f (%.0f-%.0f); new/old per round min %.2f median %.2f max %.2f%n",
                what, a[rounds / 2], a[0], a[rounds - 1], b[rounds / 2], b[0], b[rounds - 1], ratio[0], ratio[rounds / 2], ratio[rounds - 1]);
        }
        try (var files = Files.walk(root)) { files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }
}
