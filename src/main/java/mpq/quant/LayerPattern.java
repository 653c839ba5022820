package mpq.quant;

import java.util.regex.Pattern;

/** A layer name, or a glob over layer names with * (any run of characters) and ? (one character). */
public record LayerPattern(String text) {
    public boolean matches(String layer) {
        return text.equals(layer) || glob().matcher(layer).matches();
    }

    private Pattern glob() {
        StringBuilder re = new StringBuilder();
        for (char c : text.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }
}
