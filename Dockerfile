# Build: mvn -DskipTests package; then docker build -t saml2nats .
FROM eclipse-temurin:17-jre
COPY target/saml2nats.jar /app/saml2nats.jar
COPY config /app/config
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/saml2nats.jar"]
CMD ["serve", "--config", "/app/config/saml2nats.yaml"]
