import genius.core.Bid;
import genius.core.BidIterator;
import genius.core.Domain;
import genius.core.DomainImpl;
import genius.core.utility.AdditiveUtilitySpace;

/** Loads an additive profile as Genius does and evaluates up to 10^5 outcomes; says what fails. */
public class Check {
    public static void main(String[] args) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(new java.io.OutputStream() { public void write(int b) {} }));
        Domain d;
        try { d = new DomainImpl(args[0]); } catch (Throwable e) { out.println("DOMAIN FAILS: " + e); return; }
        for (int i = 1; i < args.length; i++) {
            try {
                AdditiveUtilitySpace u = new AdditiveUtilitySpace(d, args[i]);
                try {
                    BidIterator it = new BidIterator(d);
                    int n = 0;
                    while (it.hasNext() && n++ < 100000) u.getUtility(it.next());
                    out.println("OK " + args[i]);
                } catch (Throwable e) { out.println("EVAL FAILS " + args[i] + ": " + e); }
            } catch (Throwable e) { out.println("LOAD FAILS " + args[i] + ": " + e); }
        }
    }
}
