import genius.core.Bid;
import genius.core.BidIterator;
import genius.core.Domain;
import genius.core.DomainImpl;
import genius.core.issue.Issue;
import genius.core.utility.AbstractUtilitySpace;
import genius.core.utility.AdditiveUtilitySpace;
import genius.core.utility.ConstraintUtilitySpace;
import genius.core.utility.NonlinearUtilitySpace;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/**
 * Prints, for every outcome of the domain, its value names and each profile's utility (IEEE
 * bits in hex), each profile loaded as Genius loads its type (constraint, nonlinear or additive).
 */
public class Eval {
    public static void main(String[] args) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(new java.io.OutputStream() { public void write(int b) {} }));
        Domain d = new DomainImpl(args[0]);
        AbstractUtilitySpace[] us = new AbstractUtilitySpace[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            String text = new String(Files.readAllBytes(Paths.get(args[i])), "ISO-8859-1");
            if (text.contains("type=\"constraint\"")) us[i - 1] = new ConstraintUtilitySpace(d, args[i]);
            else if (text.contains("type=\"nonlinear\"") || text.contains("<ufun")) us[i - 1] = new NonlinearUtilitySpace(d, args[i]);
            else us[i - 1] = new AdditiveUtilitySpace(d, args[i]);
        }
        List<Issue> issues = d.getIssues();
        BidIterator it = new BidIterator(d);
        StringBuilder sb = new StringBuilder();
        while (it.hasNext()) {
            Bid b = it.next();
            sb.setLength(0);
            for (Issue is : issues) sb.append(b.getValue(is.getNumber()).toString()).append('\t');
            for (AbstractUtilitySpace u : us) sb.append(Long.toHexString(Double.doubleToLongBits(u.getUtility(b)))).append('\t');
            out.println(sb);
        }
    }
}
