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
 * [-Dprobe.slice=N: the jars take turns every N commands inside a round] [-Dprobe.warmups=N: unreported rounds, 2].
 * perf/scripts/cut-probe.sh runs it in several JVMs with the jars' slots swapped.
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
        // A runner with a public static long[] CPU_NS (JarPhaseRunner) times the prefetch phase and the apply apart.
        final long[][] phaseNs = new long[2][];
        for (int j = 0; j < 2; j++)
        {
            final URLClassLoader loader = new URLClassLoader(new URL[]{dir, Path.of(jars[j]).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
            final Class<?> runner = loader.loadClass(System.getProperty("runner", "com.wodian.perf.JarRunner"));
            state[j] = runner.getMethod("setUp").invoke(null);
            run[j] = runner.getMethod("run", Object.class, int.class, int.class, boolean.class);
            phaseNs[j] = phaseCounters(runner);
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[][] rate = new double[2][rounds];
        final double[][][] phaseRate = new double[2][2][rounds];   // jar, phase (prefetch, apply), round: ns per input
        long folded = 0;
        // Unreported rounds first, so that both jars' code is compiled before any round counts (-Dprobe.warmups).
        final int warmups = Integer.getInteger("probe.warmups", 2);
        // -Dprobe.slice=N: within a round the jars take turns every N commands (who goes first alternating), each
        // jar's CPU time summed over its slices, so that a disturbance of the machine (another process on the core,
        // a cache flushed) falls on both jars of a round alike; by default a slice is the whole round.
        final int slice = Math.min(payments, Integer.getInteger("probe.slice", payments));
        final int slices = payments / slice;
        final long[] cpuNs = new long[2];
        for (int r = -warmups; r < rounds; r++)
        {
            final StringBuilder line = new StringBuilder("round " + r);
            for (int j = 0; j < 2; j++)
            {
                cpuNs[j] = 0;
                if (phaseNs[j] != null)
                {
                    Arrays.fill(phaseNs[j], 0);
                }
            }
            for (int s = 0; s < slices; s++)
            {
                for (int k = 0; k < 2; k++)
                {
                    final int j = ((r + s) & 1) == 0 ? k : 1 - k;   // alternate who goes first
                    final long c0 = threads.getCurrentThreadCpuTime();
                    folded += (Long)run[j].invoke(null, state[j], slice, batch, staged);
                    cpuNs[j] += threads.getCurrentThreadCpuTime() - c0;
                }
            }
            for (int k = 0; k < 2; k++)
            {
                final int j = (r & 1) == 0 ? k : 1 - k;   // printed in the order of the round's first slice
                final double perCpuS = (double)slice * slices * 1e9 / cpuNs[j];
                if (r >= 0)
                {
                    rate[j][r] = perCpuS;
                }
                line.append(String.format("  %s %,.0f", j == 0 ? "old" : "new", perCpuS));
                if (phaseNs[j] != null)
                {
                    for (int phase = 0; phase < 2; phase++)
                    {
                        final double nsPerInput = (double)phaseNs[j][phase] / ((long)slice * slices);
                        if (r >= 0)
                        {
                            phaseRate[j][phase][r] = nsPerInput;
                        }
                        line.append(String.format(" (%s %.0f ns)", phase == 0 ? "prefetch" : "apply", nsPerInput));
                    }
                }
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
        if (phaseNs[0] != null && phaseNs[1] != null)
        {
            for (int phase = 0; phase < 2; phase++)
            {
                printPhase(phase == 0 ? "prefetch phase" : "apply", phaseRate[0][phase], phaseRate[1][phase]);
            }
        }
    }

    /** The runner's per-phase CPU counters, or null when it has none. */
    private static long[] phaseCounters(final Class<?> runner) throws IllegalAccessException
    {
        try
        {
            return (long[])runner.getField("CPU_NS").get(null);
        }
        catch (final NoSuchFieldException e)
        {
            return null;
        }
    }

    private static void printPhase(final String name, final double[] oldNs, final double[] newNs)
    {
        final int rounds = oldNs.length;
        final double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            ratio[r] = newNs[r] / oldNs[r];
        }
        Arrays.sort(ratio);
        final double[] o = oldNs.clone();
        final double[] n = newNs.clone();
        Arrays.sort(o);
        Arrays.sort(n);
        System.out.printf("%s: old median %.1f ns/input (CPU), new median %.1f; new/old per round: min %.3f median %.3f max %.3f%n",
            name, o[rounds / 2], n[rounds / 2], ratio[0], ratio[rounds / 2], ratio[rounds - 1]);
    }
}
