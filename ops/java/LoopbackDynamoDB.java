// DynamoDB Local on 127.0.0.1 only: its jar has no option for the address and binds every
// interface (Jetty's Server(port)). This starts it as its own main does, from the same command
// line, after pointing the connector at loopback. Run in Java's source-file mode (no build step):
//   java -cp DynamoDBLocal.jar ops/java/LoopbackDynamoDB.java -port N ...
// ops/services.py compiles it once into .local/java/ when javac is there, and runs the class.
import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDB {
    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        for (Connector connector : server.getConnectors()) {
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
        proxy.start();
        proxy.join();
    }
}
