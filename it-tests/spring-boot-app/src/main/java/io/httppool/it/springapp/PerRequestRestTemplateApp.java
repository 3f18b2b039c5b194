package io.httppool.it.springapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

/**
 * A Spring Boot web application written the naive way: every call of {@code GET /call?url=...} builds a new
 * {@code RestTemplate} on a new {@code HttpComponentsClientHttpRequestFactory} (a new HttpClient 5, a new pool),
 * never closed, and forwards the upstream's body. {@code GET /loader} names the class loader of HttpClient 5.
 */
@SpringBootApplication
@RestController
public class PerRequestRestTemplateApp {

    public static void main(String[] args) {
        SpringApplication.run(PerRequestRestTemplateApp.class, args);
    }

    @GetMapping("/call")
    public String call(@RequestParam("url") String url) {
        return new RestTemplate(new HttpComponentsClientHttpRequestFactory()).getForObject(url, String.class);
    }

    @GetMapping("/loader")
    public String loader() {
        return org.apache.hc.client5.http.impl.classic.HttpClients.class.getClassLoader().getClass().getName();
    }
}
