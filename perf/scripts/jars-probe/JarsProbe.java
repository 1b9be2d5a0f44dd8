import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Old and new engine in ONE JVM, each in its own class loader (own classes, own JIT code, own engine), rounds alternated:
 * load drift hits both alike. Usage: java -Xms8g -Xmx8g -cp DIR JarsProbe DIR old.jar new.jar rounds payments batch mode
 */
public final class JarsProbe
{
    public static void main(final String[] args) throws Exception
    {
        final URL dir = Path.of(args[0]).toUri().toURL();
        final String[] jars = {args[1], args[2]};
        final int rounds = Integer.parseInt(args[3]);
        final int payments = Integer.parseInt(args[4]);
        final int batch = Integer.parseInt(args[5]);
        final boolean staged = !args[6].equals("off");
        final Method[] run = new Method[2];
        final Object[] state = new Object[2];
        for (int j = 0; j < 2; j++)
        {
            final URLClassLoader loader = new URLClassLoader(new URL[]{dir, Path.of(jars[j]).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
            final Class<?> runner = loader.loadClass(System.getProperty("runner", "com.wodian.perf.JarRunner"));
            state[j] = runner.getMethod("setUp").invoke(null);
            run[j] = runner.getMethod("run", Object.class, int.class, int.class, boolean.class);
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[][] rate = new double[2][rounds];
        long folded = 0;
        for (int r = -2; r < rounds; r++)
        {
            final StringBuilder line = new StringBuilder("round " + r);
            for (int k = 0; k < 2; k++)
            {
                final int j = (r & 1) == 0 ? k : 1 - k;   // alternate who goes first
                final long c0 = threads.getCurrentThreadCpuTime();
                folded += (Long)run[j].invoke(null, state[j], payments, batch, staged);
                final double perCpuS = payments * 1e9 / (threads.getCurrentThreadCpuTime() - c0);
                if (r >= 0)
                {
                    rate[j][r] = perCpuS;
                }
                line.append(String.format("  %s %,.0f", j == 0 ? "old" : "new", perCpuS));
            }
            System.out.println(line);
        }
        final double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            ratio[r] = rate[1][r] / rate[0][r];
        }
        Arrays.sort(ratio);
        final double[] o = rate[0].clone();
        final double[] n = rate[1].clone();
        Arrays.sort(o);
        Arrays.sort(n);
        System.out.printf("%s batch %d: old median %,.0f/cpu-s, new median %,.0f/cpu-s; new/old per round: min %.2f median %.2f max %.2f (fold %d)%n",
            staged ? "staged" : "off", batch, o[rounds / 2], n[rounds / 2], ratio[0], ratio[rounds / 2], ratio[rounds - 1], folded & 1);
    }
}
