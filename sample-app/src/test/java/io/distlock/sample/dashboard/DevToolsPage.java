package io.distlock.sample.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.json.JSONArray;
import org.json.JSONObject;

import org.springframework.util.FileSystemUtils;

/**
 * A page open in a running headless Chromium, driven over the DevTools protocol: it evaluates
 * script in the page and answers the page's {@code confirm} dialogs. Closing it stops the browser
 * and deletes its profile.
 */
final class DevToolsPage implements AutoCloseable {

	private static final String DIALOG_OPENING = "Page.javascriptDialogOpening";

	private final Process browser;

	private final Path profile;

	private final Duration timeout;

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<Integer, CompletableFuture<JSONObject>> replies = new ConcurrentHashMap<>();

	private final BlockingQueue<JSONObject> dialogs = new LinkedBlockingQueue<>();

	private final WebSocket socket;

	private DevToolsPage(Process browser, Path profile, Duration timeout) {
		this.browser = browser;
		this.profile = profile;
		this.timeout = timeout;
		this.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create(pageSocketUrl(debuggingPort())), new Messages())
			.join();
		call("Page.enable", new JSONObject());
	}

	/**
	 * Attaches to the page of a browser started with {@code --remote-debugging-port=0}.
	 * @param browser the browser process
	 * @param profile its {@code --user-data-dir}, where it writes the port it listens on
	 * @param timeout how long the browser gets to start, and each call to answer
	 * @return the page
	 */
	static DevToolsPage attach(Process browser, Path profile, Duration timeout) {
		try {
			return new DevToolsPage(browser, profile, timeout);
		}
		catch (RuntimeException ex) {
			stop(browser, profile);
			throw ex;
		}
	}

	/**
	 * Evaluates a script expression in the page, awaiting it if it is a promise.
	 * @param expression the expression
	 * @return its value as JSON: a {@link String}, {@link Boolean}, {@link Number} or
	 * {@link JSONObject#NULL}
	 */
	Object evaluate(String expression) {
		return value(await(evaluation(expression)));
	}

	/**
	 * Clicks an element and answers the dialog the click opens.
	 * @param selector the CSS selector of the element
	 * @param accept whether to press OK, else Cancel
	 * @return the dialog's message
	 */
	String clickAndAnswerDialog(String selector, boolean accept) {
		// The click does not return while its dialog is open: await the dialog first.
		CompletableFuture<JSONObject> click = evaluation(
				"document.querySelector(" + JSONObject.quote(selector) + ").click()");
		JSONObject dialog = nextDialog(selector);
		call("Page.handleJavaScriptDialog", new JSONObject().put("accept", accept));
		value(await(click));
		return dialog.getString("message");
	}

	@Override
	public void close() {
		this.socket.abort();
		stop(this.browser, this.profile);
	}

	private CompletableFuture<JSONObject> evaluation(String expression) {
		return send("Runtime.evaluate",
				new JSONObject().put("expression", expression).put("returnByValue", true).put("awaitPromise", true));
	}

	private static Object value(JSONObject evaluated) {
		if (evaluated.has("exceptionDetails")) {
			throw new IllegalStateException("Script failed in the page: " + evaluated.getJSONObject("exceptionDetails"));
		}
		Object value = evaluated.getJSONObject("result").opt("value");
		return (value != null) ? value : JSONObject.NULL;
	}

	private JSONObject nextDialog(String selector) {
		try {
			JSONObject dialog = this.dialogs.poll(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (dialog == null) {
				throw new IllegalStateException("Clicking " + selector + " opened no dialog within " + this.timeout);
			}
			return dialog;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a dialog", ex);
		}
	}

	private JSONObject call(String method, JSONObject params) {
		return await(send(method, params));
	}

	private CompletableFuture<JSONObject> send(String method, JSONObject params) {
		int id = this.ids.incrementAndGet();
		CompletableFuture<JSONObject> reply = new CompletableFuture<>();
		this.replies.put(id, reply);
		this.socket.sendText(new JSONObject().put("id", id).put("method", method).put("params", params).toString(),
				true);
		return reply;
	}

	private JSONObject await(CompletableFuture<JSONObject> reply) {
		try {
			JSONObject message = reply.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (message.has("error")) {
				throw new IllegalStateException("DevTools refused a call: " + message.getJSONObject("error"));
			}
			return message.getJSONObject("result");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the browser", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("The browser did not answer within " + this.timeout, ex);
		}
	}

	/** Reads the port from the {@code DevToolsActivePort} file the browser writes once it listens. */
	private int debuggingPort() {
		Path portFile = this.profile.resolve("DevToolsActivePort");
		long deadline = System.nanoTime() + this.timeout.toNanos();
		try {
			while (System.nanoTime() < deadline && this.browser.isAlive()) {
				List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
				if (lines.size() == 2) {
					return Integer.parseInt(lines.get(0));
				}
				Thread.sleep(50);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + portFile, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the browser", ex);
		}
		throw new IllegalStateException("Chromium wrote no DevTools port within " + this.timeout
				+ (this.browser.isAlive() ? "" : "; it exited with " + this.browser.exitValue()));
	}

	private String pageSocketUrl(int port) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build();
		try {
			JSONArray targets = new JSONArray(
					HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body());
			for (int i = 0; i < targets.length(); i++) {
				JSONObject target = targets.getJSONObject(i);
				if (target.getString("type").equals("page")) {
					return target.getString("webSocketDebuggerUrl");
				}
			}
			throw new IllegalStateException("Chromium has no page open: " + targets);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list Chromium's pages", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while listing Chromium's pages", ex);
		}
	}

	private static void stop(Process browser, Path profile) {
		browser.destroy();
		try {
			if (!browser.waitFor(10, TimeUnit.SECONDS)) {
				browser.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			FileSystemUtils.deleteRecursively(profile.toFile());
		}
	}

	/** Hands replies to their callers and queues dialogs; other events are ignored. */
	private final class Messages implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				JSONObject message = new JSONObject(this.text.toString());
				this.text.setLength(0);
				if (message.has("id")) {
					CompletableFuture<JSONObject> reply = DevToolsPage.this.replies.remove(message.getInt("id"));
					if (reply != null) {
						reply.complete(message);
					}
				}
				else if (DIALOG_OPENING.equals(message.optString("method"))) {
					DevToolsPage.this.dialogs.add(message.getJSONObject("params"));
				}
			}
			webSocket.request(1);
			return null;
		}

	}

}
