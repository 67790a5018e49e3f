/**
 * The Java source of the launcher that starts Debian's JMeter 2.13 with bookworm's xstream 1.4.20
 * (see the comment inside). Kept as a string so that the bundled CLI can compile it with javac on
 * first use, without files beside dist/.
 */
export const LAUNCHER_CLASS = 'PerfgateJMeter';
export const LAUNCHER_SOURCE = `// Starts Debian's JMeter 2.13 with bookworm's xstream 1.4.20, which otherwise refuses to load any
// .jmx ("ForbiddenClassException: org.apache.jmeter.save.ScriptWrapper"): load JMeter's
// properties, allow every type in SaveService's XStream instances, then run JMeter with the
// given arguments. perfgate compiles this on first use (javac) when JMETER_BIN/JMETER_HOME do
// not point at a JMeter 5.x, which needs none of this.
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

public class PerfgateJMeter {
  public static void main(String[] args) throws Exception {
    String home = System.getProperty("jmeter.home", "/usr/share/jmeter");
    org.apache.jmeter.util.JMeterUtils.setJMeterHome(home);
    org.apache.jmeter.util.JMeterUtils.loadJMeterProperties(home + "/bin/jmeter.properties");
    Class<?> saveService = Class.forName("org.apache.jmeter.save.SaveService");
    for (Field f : saveService.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) continue;
      if (!com.thoughtworks.xstream.XStream.class.isAssignableFrom(f.getType())) continue;
      f.setAccessible(true);
      Object x = f.get(null);
      if (x != null) ((com.thoughtworks.xstream.XStream) x).addPermission(com.thoughtworks.xstream.security.AnyTypePermission.ANY);
    }
    new org.apache.jmeter.JMeter().start(args);
  }
}
`;
