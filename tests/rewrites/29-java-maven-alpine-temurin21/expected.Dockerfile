FROM maven:3.9-eclipse-temurin-21-alpine AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package -DskipTests

FROM eclipse-temurin:21-jre-alpine
WORKDIR /build
COPY --from=build /build/target/gateway-2.1.0.jar /build/target/gateway-2.1.0.jar
# Gateway port.
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/build/target/gateway-2.1.0.jar"]
